"""All models, re-exported; ALL_MODELS in dependency order (features append theirs)."""
from .accounts import (
                       CONSENTS,
                       NIVEAUX,
                       ROLES,
                       STATUSES,
                       AuditEvent,
                       Classroom,
                       Enrolment,
                       GuardianLink,
                       LoginSession,
                       School,
                       SchoolYear,
                       Teaching,
                       Throttle,
                       User,
)
from .base import BaseModel, now
from .blog import Attachment, Blog, Comment, Post
from .directory import DirectoryRecord, PupilCard, SourceStructure, SyncLine, SyncRun
from .homework import CalendarFeed, Homework, HomeworkDone, HomeworkFile, Subject
from .mail import NOTIFY_MODES, OUTBOX_STATES, MailPreference, Notification, OutboxMail, PasswordReset
from .messaging import (
                        ANSWERS,
                        CHANNELS,
                        NOTE_KINDS,
                        Message,
                        MessageFile,
                        MessageReceipt,
                        MessagingSwitch,
                        Note,
                        NoteFile,
                        NoteReceipt,
                        Thread,
                        ThreadMember,
)
from .photos import Album, Photo, PhotoTag
from .pictures import PictureClass, PicturePassword
from .privacy import CONSENT_SOURCES, ArchiveDeadline, ConsentChange, ErasedAccount
from .scheduler import JobLease, JobRun
from .schema import SchemaVersion
from .school_calendar import SchoolCalendar
from .stats import StatsCount, StatsEvent, StatsKey, StatsMonthSeen, StatsVisitors
from .visits import Visit

ALL_MODELS = [School, SchoolYear, Classroom, User, Enrolment, Teaching, GuardianLink,
              LoginSession, Throttle, AuditEvent, JobLease, JobRun,
              SyncRun, SyncLine, DirectoryRecord, SourceStructure, PupilCard,
              Album, Photo, PhotoTag,
              Blog, Post, Comment, Attachment, Visit,
              SchoolCalendar, Subject, Homework, HomeworkFile, HomeworkDone, CalendarFeed,
              MailPreference, Notification, OutboxMail, PasswordReset,
              Thread, ThreadMember, Message, MessageFile, MessageReceipt,
              Note, NoteFile, NoteReceipt, MessagingSwitch,
              ErasedAccount, ConsentChange, ArchiveDeadline,
              PictureClass, PicturePassword,
              StatsEvent, StatsKey, StatsMonthSeen, StatsCount, StatsVisitors]
