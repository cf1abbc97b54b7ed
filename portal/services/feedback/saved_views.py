"""我的视图: each staff user's saved queue views (filters, sort and search under a name), theirs alone."""
from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import SavedQueueView, User
from portal.services.common import audit, authz
from portal.services.common.errors import ServiceError
from portal.services.feedback.queue import QueueFilters

MAX_NAME = 40
#: views one user may keep
MAX_VIEWS = 20


class ViewError(ServiceError):
    """A view cannot be saved as asked."""


class ViewNotFound(LookupError):
    """No such view among the user's own (another user's view is not found either)."""


def user_views(session: Session, user: User) -> list[SavedQueueView]:
    return list(session.scalars(select(SavedQueueView).where(SavedQueueView.user_id == user.id)
                                .order_by(SavedQueueView.name, SavedQueueView.id)))


def filters_of(view: SavedQueueView) -> QueueFilters:
    """The view's filters, cleaned as any GET parameters are."""
    return QueueFilters.from_args({str(k): str(v) for k, v in (view.query or {}).items()})


def save_view(session: Session, user: User, name: str, filters: QueueFilters) -> SavedQueueView:
    """Save filters under name for user; a name they already use is refused."""
    authz.require(user, "view_queue")
    name = " ".join(unicodedata.normalize("NFKC", name or "").split())
    if not name:
        raise ViewError(_("请填写视图名称。"), "view_name")
    if len(name) > MAX_NAME:
        raise ViewError(_("视图名称不能超过%(max)d个字。", max=MAX_NAME), "view_name")
    if not filters.as_args():
        raise ViewError(_("请先设置筛选、排序或搜索，再保存为视图。"), "view_name")
    mine = select(func.count(SavedQueueView.id)).where(SavedQueueView.user_id == user.id)
    if session.scalar(mine.where(SavedQueueView.name == name)):
        raise ViewError(_("已有名为“%(name)s”的视图，请换一个名称。", name=name), "view_name")
    if (session.scalar(mine) or 0) >= MAX_VIEWS:
        raise ViewError(_("最多保存%(max)d个视图，请先删除不用的视图。", max=MAX_VIEWS), "view_name")
    view = SavedQueueView(user_id=user.id, name=name, query=filters.as_args())
    session.add(view)
    session.flush()
    # the name only: a saved search may hold words typed about a person
    audit.record(session, user, "queue_view.save", "saved_queue_view", view.id, name=name)
    return view


def delete_view(session: Session, user: User, view_id: int) -> SavedQueueView:
    """Delete one of user's views; ViewNotFound for any other id."""
    view = session.get(SavedQueueView, view_id)
    if view is None or view.user_id != user.id:
        raise ViewNotFound(view_id)
    session.delete(view)
    audit.record(session, user, "queue_view.delete", "saved_queue_view", view.id, name=view.name)
    session.flush()
    return view
