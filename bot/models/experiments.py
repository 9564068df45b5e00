"""A/B experiments on the bot's responses: the experiment, its arms, and who saw which arm."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, utcnow


class ExperimentStatus(str, enum.Enum):
    RUNNING = "running"
    STOPPED = "stopped"


_RUNNING = text("status = 'running'")


class Experiment(Base):
    __tablename__ = "experiments"
    __table_args__ = (
        # One running experiment per response and language: a visitor can only see one text.
        Index("uq_experiments_running_response", "response", "language", unique=True,
              postgresql_where=_RUNNING, sqlite_where=_RUNNING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    response: Mapped[str] = mapped_column(String(80), index=True)
    language: Mapped[str] = mapped_column(String(2))
    # An RFM segment (bot/segments): only that segment's verified customers take part; None is everyone.
    segment: Mapped[str | None] = mapped_column(String(40))
    metric: Mapped[str] = mapped_column(String(20))
    metric_days: Mapped[int] = mapped_column(Integer, default=7)
    baseline_rate: Mapped[float] = mapped_column(Float)
    min_effect: Mapped[float] = mapped_column(Float)
    alpha: Mapped[float] = mapped_column(Float, default=0.05)
    power: Mapped[float] = mapped_column(Float, default=0.8)
    status: Mapped[ExperimentStatus] = mapped_column(
        Enum(ExperimentStatus, name="experiment_status", values_callable=lambda e: [m.value for m in e],
             native_enum=False, length=20),
        default=ExperimentStatus.RUNNING,
    )
    created_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The report as it stood when the experiment was stopped (JSON); a stopped report never changes.
    frozen_report: Mapped[str | None] = mapped_column(Text)

    arms: Mapped[list[ExperimentArm]] = relationship(
        back_populates="experiment", order_by="ExperimentArm.position", cascade="all, delete-orphan"
    )


class ExperimentArm(Base):
    __tablename__ = "experiment_arms"
    __table_args__ = (UniqueConstraint("experiment_id", "position", name="uq_experiment_arms_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), index=True)
    # 0 is the control arm: the others are compared with it.
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    # Percent of the traffic; the arms of an experiment sum to 100.
    weight: Mapped[int] = mapped_column(Integer)

    experiment: Mapped[Experiment] = relationship(back_populates="arms")


class ExperimentExposure(Base):
    """A conversation that was shown an arm's text (the first time counts)."""

    __tablename__ = "experiment_exposures"
    __table_args__ = (UniqueConstraint("experiment_id", "sender_id", name="uq_experiment_exposures_sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer)
    exposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The verified customer of the conversation when the text was shown, for "order placed within N days".
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
