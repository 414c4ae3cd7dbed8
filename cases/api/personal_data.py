"""Personal data in API answers: masked unless the reader's role needs it; every unmasked read is audited."""

import json
import re

from execcenter.policy import may
from execcenter.scope import is_partner, officer_of
from execcenter.services import audit


def sees_personal_data(actor):
    """Whether `actor` reads full ID numbers, phones and addresses: the policy's "personal_data.read" (judges,
    officers, approvers, presidents, and the case-handling system that supplies the data). The administrator and
    every other role see them masked; every unmasked read is audited by the callers."""
    return may(actor, "personal_data.read")


class PersonalDataMixin:
    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not hasattr(self, "_personal_context"):
            self._personal_context = {"unmasked": sees_personal_data(self.request.user), "revealed": set()}
        context.update(self._personal_context)
        return context

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        revealed = getattr(self, "_personal_context", {}).get("revealed")
        if revealed and response.status_code < 400:
            audit(
                request.user,
                "personal_data.read",
                object_type="cases.party",
                object_id=",".join(map(str, sorted(revealed)))[:64],
                court=_actor_court(request.user),
                request=request,
                details={"party_ids": sorted(revealed), "path": request.path},
            )
        elif response.get("Idempotent-Replay") == "true" and response.status_code < 400 and _has_full_id(response.data):
            # A replayed answer is read again without the serializer running (issue 11): still an unmasked read.
            audit(
                request.user,
                "personal_data.read",
                object_type="cases.party",
                court=_actor_court(request.user),
                request=request,
                details={
                    "path": request.path,
                    "replay": True,
                    "idempotency_key": request.headers.get("Idempotency-Key", "")[:128],
                },
            )
        return response


FULL_ID = re.compile(r"\b\d{17}[\dX]\b")


def _has_full_id(data):
    return bool(FULL_ID.search(json.dumps(data, ensure_ascii=False))) if data is not None else False


def _actor_court(actor):
    """The court an auditor finds the row under: the reader's own (every record they read lies in its subtree)."""
    if is_partner(actor):
        return actor.court
    officer = officer_of(actor)
    return officer.court if officer is not None else None
