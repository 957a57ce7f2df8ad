"""``liaison throwaway``: the throw-away app's command."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Say hello from the throw-away app, which only the test settings install."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="world", help="whom to greet")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"hello, {options['name']}")
