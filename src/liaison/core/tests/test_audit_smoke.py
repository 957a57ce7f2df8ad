import pytest
from django.db import transaction

from liaison.core import audit
from liaison.core.models import AuditEvent, User
from liaison.directory import services
from liaison.directory.models import HCP


def test_created_hcp_writes_one_chained_event(admin_user: User) -> None:
    hcp = services.create_hcp(
        actor=admin_user, values={"given_name": "Jürgen", "family_name": "Müller", "country": "DE"}
    )
    event = AuditEvent.objects.get(record_type="directory.hcp", record_id=str(hcp.pk))
    assert event.changes["family_name"] == [None, "Müller"]
    assert audit.verify_chain() == (1, None)


def test_rolled_back_change_leaves_no_event(admin_user: User) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_hcp(
            actor=admin_user, values={"given_name": "A", "family_name": "B", "country": "DE"}
        )
        raise RuntimeError("abort")
    assert not AuditEvent.objects.exists()
    assert not HCP.objects.exists()
