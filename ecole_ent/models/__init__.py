"""All models, re-exported; ALL_MODELS in dependency order (features append theirs)."""
from .accounts import (CONSENTS, NIVEAUX, ROLES, STATUSES, AuditEvent, Classroom, Enrolment,
                       GuardianLink, LoginSession, School, SchoolYear, Teaching, Throttle, User)
from .base import BaseModel, now
from .directory import (DirectoryRecord, JobLease, PupilCard, SourceStructure, SyncLine,
                        SyncRun)
from .photos import Album, Photo, PhotoTag
from .schema import SchemaVersion

ALL_MODELS = [School, SchoolYear, Classroom, User, Enrolment, Teaching, GuardianLink,
              LoginSession, Throttle, AuditEvent,
              SyncRun, SyncLine, DirectoryRecord, SourceStructure, PupilCard, JobLease,
              Album, Photo, PhotoTag]
