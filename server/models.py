"""Every area's models, imported so Base.metadata is complete (Alembic, tests, cleanup)."""

from server.accounts.models import *  # noqa: F403
from server.db import Base
from server.idempotency import IdempotencyRecord  # noqa: F401
from server.notifications.models import *  # noqa: F403
from server.outbox.models import *  # noqa: F403
from server.school.models import *  # noqa: F403

# Areas add their model modules here.
from server.blog.models import *  # noqa: F403, E402, I001
from server.calendar.models import *  # noqa: F403, E402
from server.information.models import *  # noqa: F403, E402
from server.planning.models import *  # noqa: F403, E402
from server.storage.models import *  # noqa: F403, E402

metadata = Base.metadata
