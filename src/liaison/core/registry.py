"""The app registry: what each Liaison app declares once, for the central code to iterate.

Every app's ``AppConfig`` subclasses :class:`LiaisonAppConfig` and fills in the
class attributes below. The URL root, the API root, the navigation, ``liaison
--help``, the home page, the demo world, the worker and the authorization matrix read them
through the functions of this module, so adding an app is one line in ``INSTALLED_APPS``
and the app's own folder.

An ``apps.py`` imports this module, not the class: ``class
DirectoryConfig(registry.LiaisonAppConfig)``. Django picks an app's config
automatically only when ``apps.py`` holds exactly one ``AppConfig`` subclass,
and an imported ``LiaisonAppConfig`` would be a second one.

This module imports no models and no app: ``liaison --help`` reads it before
Django is set up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from django.apps import AppConfig, apps
from django.core.exceptions import ImproperlyConfigured

#: What a two-word command line runs: a management command's name, or its name and
#: the arguments put before the user's (``("directory", ("import", "--kind", "organizations"))``).
CommandTarget = str | tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class NavEntry:
    """One entry of the menu shown on every page.

    ``order`` places it among every app's entries: Home is 0, an app's entries
    take the hundreds of its layer (directory 100, literature and trials 200,
    surveillance 300...), Jobs and the audit trail come last at 900+.
    ``model`` (``"app_label.ModelName"``) hides the entry from users who may
    view no record of it. ``counter`` is the dotted
    path of a function ``user -> int`` shown beside the label (one cheap query:
    it runs on every page), with ``count_id`` as the element's id for
    out-of-band updates and ``count_label`` as what screen readers hear before
    the number ("unread", "overdue")."""

    label: str
    url_name: str
    order: int
    model: str | None = None
    counter: str | None = None
    count_id: str | None = None
    count_label: str = "unread"


@dataclass(frozen=True, slots=True)
class DashboardCount:
    """One count on the home page: how many records of ``model``
    (``"app_label.ModelName"``) the user may see and may change, linked to
    ``url_name`` with ``link_text``; counts come in ``order``."""

    label: str
    model: str
    url_name: str
    link_text: str
    order: int


@dataclass(frozen=True, slots=True)
class HomePanel:
    """One panel of the home page, below the counts, in ``order`` (lower first).

    ``context`` is the dotted path of a function ``user -> dict | None``: what
    the panel shows to that user, read through the policy (``None`` leaves the
    panel out). ``template`` is rendered with that dict as ``panel``; it brings
    its own heading (an ``<h2>``) and its empty state. The home page's own
    parts (counts, territories, latest jobs) are core's and not panels."""

    name: str
    template: str
    context: str
    order: int


@dataclass(frozen=True, slots=True)
class RecordPanel:
    """One panel of a record's page in another app, in ``order`` (lower first).

    A lower layer's page shows what higher layers know of its record without
    importing them: the HCP profile (directory) shows the interactions of
    engagement. ``model_label`` (``"directory.HCP"``) is the record's model;
    ``context`` is the dotted path of a function ``(user, record) -> dict | None``
    (its reads go through the policy, in a constant number of queries; ``None``
    leaves the panel out); ``template`` is rendered with that dict as ``panel``
    and the record as ``record``, bringing its own heading and empty state. The
    page calls ``{% record_panels record %}`` (``liaison`` template tags)."""

    name: str
    model_label: str
    template: str
    context: str
    order: int


@dataclass(frozen=True, slots=True)
class SavedText:
    """Free text a user has just saved, handed to the apps that screen it
    (``text_screens``: adverse-event language in interaction notes and inquiries).

    The saving service calls :func:`screen_saved_text` inside its transaction, so a
    screen's findings are written with the text or not at all. ``source`` is the
    record's model label (``"engagement.Interaction"``), ``title`` and ``url`` name
    and reach it, ``texts`` maps each field's label (``"Notes"``) to its text,
    ``heard_on`` is the day the author heard what the text says (the interaction's
    date) and ``country`` where (its HCPs' country). ``kind`` is a short word for the
    source (``"interaction"``, ``"inquiry"``)."""

    kind: str
    source: str
    source_id: int
    title: str
    url: str
    author: object
    texts: dict[str, str]
    heard_on: object
    country: str = ""


@dataclass(frozen=True, slots=True)
class DemoStep:
    """One builder of the demo world: ``build`` and ``clear`` are dotted paths of
    functions taking a ``liaison.core.demo.DemoContext``; steps run in ``order``
    (clearing runs in reverse)."""

    name: str
    order: int
    build: str
    clear: str | None = None


@dataclass(frozen=True, slots=True)
class PeriodicTask:
    """A task long-lived workers queue every ``every`` (``liaison.core.workers``), the
    calendar's work that needs no cron line: escalating what waited too long.

    ``task`` is the dotted path of a django-tasks task taking no argument. One
    worker queues it, the live worker running longest, from its heartbeat: the
    first time at its first beat, then each ``every`` after (a beat is every
    few seconds, so it is late by a beat at most). A worker that takes the lead
    (the first one, or the next when it stopped) queues it at once, so the task
    must be idempotent and cheap when there is nothing to do."""

    task: str
    every: dt.timedelta


@dataclass(frozen=True, slots=True)
class FileJob:
    """A kind of job that runs over one uploaded file (``liaison.core.uploads``).

    ``runner`` is the dotted path of a function ``(job, path, options,
    progress) -> str`` that does the work with the app's service and returns
    the summary shown on the job page (raising ``LiaisonError`` fails the job
    with its message). ``title`` is formatted with ``file_name`` and the
    job's options (``"Import {kind} from {file_name}"``). ``report_template``,
    when set, is included in the job page once the job succeeded, with the
    report the runner saved (``uploads.save_job_report``) as ``report``."""

    kind: str
    runner: str
    title: str
    report_template: str | None = None


class LiaisonAppConfig(AppConfig):
    """An app of Liaison: the declarations central code iterates over.

    * ``url_prefix``: where the app's ``urls.py`` is mounted (``"directory/"``);
      ``None`` for an app without pages. ``urlconf`` defaults to ``<app>.urls``.
    * ``api_routers``: ``(prefix, dotted path of a ninja Router)`` pairs mounted
      under ``/api/v1/``.
    * ``navigation``: the app's menu entries.
    * ``dashboard``: the app's counts on the home page.
    * ``home_panels``: the app's panels on the home page (:class:`HomePanel`:
      a template and the dotted path of a function giving its context for the
      user), shown in ``order`` among every app's panels.
    * ``record_panels``: the app's panels on other apps' record pages
      (:class:`RecordPanel`: the record's model, a template and the dotted path
      of a function giving its context for the user and the record).
    * ``commands``: ``liaison --help`` lines, ``{subcommand: summary}``.
    * ``command_words``: the two-word command lines the app provides, ``{(verb,
      noun): CommandTarget}``: ``("import", "hcps"): ("directory", ("import",))``
      makes ``liaison import hcps FILE`` run ``directory import FILE``. The verb
      is also a key of ``commands`` (its help line, merged with other apps' lines).
    * ``light_commands``: command lines that run without Django's apps set up
      (no database), as the management command's name and its leading
      subcommand words: ``("trials", "parse")``. Their modules import what
      needs the apps where it runs; ``--help`` of any command tries this too.
    * ``demo_steps``: the app's builders of the demo world.
    * ``startup_tasks``: dotted paths of tasks a long-lived worker queues when
      it starts (catch-up work a calendar would have queued while none ran).
    * ``periodic_tasks``: tasks long-lived workers queue again and again
      (:class:`PeriodicTask`: a task's dotted path and how often), one worker at a
      time; a task declared here needs no ``startup_tasks`` entry too, since the
      leading worker queues it at its first beat.
    * ``file_jobs``: the kinds of job the app runs over an uploaded file
      (``liaison.core.uploads.start_file_job``).
    * ``profile_fields``: fields the app adds to ``GET /api/v1/me``, ``{name: dotted
      path of a function (request, user) -> value}`` (``calendar_feed_url``); core's
      ``MeOut`` documents each name as an optional field.
    * ``engaged_hcps``: the dotted path of a function ``user -> set[int]`` naming
      the HCPs the user's team engages (field engagement declares it), so lower
      layers (the experts' lists, networks and introductions) can mark them
      without importing the app that knows; :func:`engaged_hcp_ids` unions them.
    * ``text_screens``: dotted paths of functions ``(SavedText) -> None`` that
      screen free text a lower layer's service saves (safety looks for
      adverse-event language in interaction notes and inquiries);
      :func:`screen_saved_text` calls them inside the saving transaction.
    * ``policy_module``: imported in :meth:`ready` to register the app's rules
      and verbs (defaults to ``<app>.policy`` when that module exists).
    * ``audit_module``: imported in :meth:`ready` to register the app's audit
      field rules (defaults to ``<app>.audit_fields`` when that module exists).
    """

    url_prefix: str | None = None
    urlconf: str | None = None
    api_routers: tuple[tuple[str, str], ...] = ()
    navigation: tuple[NavEntry, ...] = ()
    dashboard: tuple[DashboardCount, ...] = ()
    home_panels: tuple[HomePanel, ...] = ()
    record_panels: tuple[RecordPanel, ...] = ()
    commands: dict[str, str] = {}
    command_words: dict[tuple[str, str], CommandTarget] = {}
    light_commands: tuple[tuple[str, ...], ...] = ()
    demo_steps: tuple[DemoStep, ...] = ()
    startup_tasks: tuple[str, ...] = ()
    periodic_tasks: tuple[PeriodicTask, ...] = ()
    file_jobs: tuple[FileJob, ...] = ()
    profile_fields: dict[str, str] = {}
    engaged_hcps: str | None = None
    #: Dotted paths of functions ``(SavedText) -> None`` screening saved free text.
    text_screens: tuple[str, ...] = ()
    policy_module: str | None = None
    audit_module: str | None = None

    def ready(self) -> None:
        from importlib import import_module

        for explicit, default in (
            (self.policy_module, f"{self.name}.policy"),
            (self.audit_module, f"{self.name}.audit_fields"),
        ):
            module = explicit or (default if find_spec(default) is not None else None)
            if module:
                import_module(module)

    def urlconf_module(self) -> str:
        return self.urlconf or f"{self.name}.urls"


def liaison_apps() -> Iterator[LiaisonAppConfig]:
    """The installed Liaison apps, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        if isinstance(config, LiaisonAppConfig):
            yield config


def url_mounts() -> list[tuple[str, str]]:
    """``(prefix, urlconf)`` of every installed app with pages, in ``INSTALLED_APPS`` order."""
    return [
        (app.url_prefix, app.urlconf_module())
        for app in liaison_apps()
        if app.url_prefix is not None
    ]


def api_routers() -> list[tuple[str, str]]:
    """``(prefix, dotted path of a Router)`` of every installed app, in ``INSTALLED_APPS``
    order: the order of the OpenAPI document's paths."""
    return [router for app in liaison_apps() for router in app.api_routers]


def navigation() -> list[NavEntry]:
    """Every installed app's menu entries by ``order`` (ties keep ``INSTALLED_APPS`` order)."""
    entries = [entry for app in liaison_apps() for entry in app.navigation]
    return sorted(entries, key=lambda entry: entry.order)


def dashboard() -> list[DashboardCount]:
    """Every installed app's home-page counts by ``order``."""
    counts = [count for app in liaison_apps() for count in app.dashboard]
    return sorted(counts, key=lambda count: count.order)


def record_panels(model_label: str) -> list[RecordPanel]:
    """Every installed app's panels for records of ``model_label`` (``"directory.HCP"``,
    compared case-insensitively) by ``order``."""
    wanted = model_label.lower()
    panels = [
        panel
        for app in liaison_apps()
        for panel in app.record_panels
        if panel.model_label.lower() == wanted
    ]
    return sorted(panels, key=lambda panel: panel.order)


def home_panels() -> list[HomePanel]:
    """Every installed app's home-page panels by ``order`` (ties keep ``INSTALLED_APPS`` order)."""
    panels = [panel for app in liaison_apps() for panel in app.home_panels]
    return sorted(panels, key=lambda panel: panel.order)


def periodic_tasks() -> list[PeriodicTask]:
    """Every installed app's periodic tasks, in ``INSTALLED_APPS`` order; a task
    declared twice, or at no positive interval, is a configuration error."""
    declared: dict[str, PeriodicTask] = {}
    for app in liaison_apps():
        for periodic in app.periodic_tasks:
            if periodic.every <= dt.timedelta(0):
                raise ImproperlyConfigured(
                    f"{app.name}: the periodic task {periodic.task} must run every positive "
                    f"interval, not {periodic.every}"
                )
            if periodic.task in declared:
                raise ImproperlyConfigured(f"the periodic task {periodic.task} is declared twice")
            declared[periodic.task] = periodic
    return list(declared.values())


def profile_fields() -> dict[str, str]:
    """``{field: dotted path of a function (request, user) -> value}`` that every
    installed app adds to the caller's profile (``GET /api/v1/me``)."""
    return {name: path for app in liaison_apps() for name, path in app.profile_fields.items()}


def engaged_hcp_ids(user: object) -> set[int]:
    """The ids of the HCPs ``user``'s team engages, as every installed app that knows says."""
    from django.utils.module_loading import import_string

    engaged: set[int] = set()
    for app in liaison_apps():
        if app.engaged_hcps:
            engaged |= import_string(app.engaged_hcps)(user)
    return engaged


def screen_saved_text(text: SavedText) -> None:
    """Hand ``text`` to every installed app's screens (inside the saving transaction)."""
    from django.utils.module_loading import import_string

    for app in liaison_apps():
        for path in app.text_screens:
            import_string(path)(text)


def declared_configs(installed_apps: Iterable[str]) -> Iterator[type[LiaisonAppConfig]]:
    """The config class of each Liaison app among ``installed_apps`` (package names, as
    ``INSTALLED_APPS`` lists them), found without setting Django up: ``liaison --help``
    reads the apps' ``commands`` this way and stays fast.

    Only a package whose ``apps.py`` names ``LiaisonAppConfig`` is imported: importing
    every installed package (the admin's loads forms and models) would cost a second."""
    for entry in installed_apps:
        try:
            spec = find_spec(entry)  # imports the parent packages, not the entry itself
        except ModuleNotFoundError:
            continue  # a dotted path to a config class: not how a Liaison app is listed
        if spec is None or not spec.submodule_search_locations:
            continue
        apps_file = Path(next(iter(spec.submodule_search_locations))) / "apps.py"
        if apps_file.is_file() and "LiaisonAppConfig" in apps_file.read_text(encoding="utf-8"):
            config = AppConfig.create(entry)
            if isinstance(config, LiaisonAppConfig):
                yield type(config)


def command_summaries(installed_apps: Iterable[str]) -> dict[str, str]:
    """``{subcommand: summary}`` for ``liaison --help``, in ``INSTALLED_APPS`` order.

    Several apps may declare one subcommand (``import``, ``export``: ``liaison import
    hcps`` is the directory's, ``liaison import references`` the literature's); their
    summaries join into one line."""
    summaries: dict[str, list[str]] = {}
    for config in declared_configs(installed_apps):
        for name, summary in config.commands.items():
            summaries.setdefault(name, []).append(summary)
    return {name: "; ".join(parts) for name, parts in summaries.items()}


def command_words(
    installed_apps: Iterable[str],
) -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    """``{(verb, noun): (command, leading arguments)}``: every two-word command line the
    installed apps declare (``command_words``), in ``INSTALLED_APPS`` order, read without
    setting Django up. Two apps declaring one line is a configuration error."""
    words: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
    owners: dict[tuple[str, str], str] = {}
    for config in declared_configs(installed_apps):
        for pair, target in config.command_words.items():
            if pair in words:
                raise ImproperlyConfigured(
                    f"{config.name} and {owners[pair]} both declare `liaison {' '.join(pair)}`"
                )
            words[pair] = (target, ()) if isinstance(target, str) else target
            owners[pair] = config.name
    return words


def light_command_module(
    installed_apps: Iterable[str], name: str, args: Sequence[str]
) -> str | None:
    """The module of management command ``name`` when this command line may run
    without setting Django up: it asks for help, or it begins with a line an app
    declares in ``light_commands``. ``None`` when it needs the project."""
    words = [arg for arg in args if not arg.startswith("-")]
    wants_help = any(arg in {"-h", "--help"} for arg in args)
    for config in declared_configs(installed_apps):
        declared = any(
            line[0] == name and list(line[1:]) == words[: len(line) - 1]
            for line in config.light_commands
        )
        if not (declared or wants_help):
            continue
        module = f"{config.name}.management.commands.{name}"
        try:
            if find_spec(module) is not None:
                return module
        except ModuleNotFoundError:
            continue
    return None
