"""Public pages (placeholder while the site is built)."""
from . import bp


@bp.get("/")
def home():
    return "整改监督平台"
