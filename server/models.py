"""Every area's models, imported so Base.metadata is complete (Alembic, tests, cleanup)."""

from server.accounts.models import *  # noqa: F403
from server.assessments.models import *  # noqa: F403
from server.bankid.models import *  # noqa: F403
from server.db import Base
from server.documentation.models import *  # noqa: F403
from server.idempotency import IdempotencyRecord  # noqa: F401
from server.notifications.models import *  # noqa: F403
from server.outbox.models import *  # noqa: F403
from server.school.models import *  # noqa: F403

# Areas add their model modules here.

metadata = Base.metadata
