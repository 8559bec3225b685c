"""Every area's models, imported so Base.metadata is complete (Alembic, tests, cleanup).

Areas add their model modules here."""

from server.absence.models import *  # noqa: F403
from server.accounts.models import *  # noqa: F403
from server.assessments.models import *  # noqa: F403
from server.bankid.models import *  # noqa: F403
from server.blog.models import *  # noqa: F403
from server.calendar.models import *  # noqa: F403
from server.db import Base
from server.documentation.models import *  # noqa: F403
from server.home.models import *  # noqa: F403
from server.idempotency import IdempotencyRecord  # noqa: F401
from server.information.models import *  # noqa: F403
from server.leisure.models import *  # noqa: F403
from server.me.models import *  # noqa: F403
from server.messages.models import *  # noqa: F403
from server.notifications.models import *  # noqa: F403
from server.outbox.models import *  # noqa: F403
from server.planning.models import *  # noqa: F403
from server.schedule.models import *  # noqa: F403
from server.school.models import *  # noqa: F403
from server.storage.models import *  # noqa: F403
from server.talks.models import *  # noqa: F403

metadata = Base.metadata
