"""Life-cycle stages, the service catalogue and the due-services engine."""

from ilp.lifecycle._stages import LifeStage, stages_of

__all__ = ["LifeStage", "stages_of"]
