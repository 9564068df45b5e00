"""JSON routes of the console under /api/console (the cookie session, CSRF header on writes)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import StaffUser
from api.errors import error_responses

router = APIRouter(prefix="/api/console", tags=["console"])


class StaffMe(BaseModel):
    name: str
    email: str
    role: str


@router.get("/me", response_model=StaffMe, responses=error_responses(401))
def me(staff: StaffUser) -> StaffMe:
    """The logged-in staff member."""
    return StaffMe(name=staff.name, email=staff.email, role=staff.role)
