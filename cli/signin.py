"""Who is changing the list: the editor sign-in every write verb goes through.

``--editor NAME`` (or ``$DUTYGRAPH_EDITOR``) and the password from ``$DUTYGRAPH_PASSWORD`` or
a prompt, checked against the editors file or ``$DUTYGRAPH_EDITORS``. Failed tries slow down
and lock out per name and per local user (graphmodel.editors.SignInThrottle).
"""

from __future__ import annotations

import getpass
import os

import click

from graphmodel.editors import load_editors, load_throttle, sign_in
from graphmodel.review_contract import PermissionDenied

from .context import Settings

__all__ = ["operator", "signed_in"]


def _client() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # pragma: no cover - no user name in a bare container
        return "cli"


def signed_in(settings: Settings, name: str | None, action: str = "record") -> str:
    """The editor's name once the password checks out and the editor's role may ``action``."""
    if not name:
        raise PermissionDenied("修改清单需要 --editor NAME (changing the list needs an editor sign-in: --editor NAME)")
    editors = load_editors(settings.data_dir)
    if not editors.names:
        raise PermissionDenied("尚未配置编辑人：请先运行 dutygraph editor add NAME "
                               "(no editors configured: run dutygraph editor add NAME, or set $DUTYGRAPH_EDITORS)")
    password = os.environ.get("DUTYGRAPH_PASSWORD")
    if password is None:
        password = click.prompt(f"{name} 的密码 password", hide_input=True)
    return sign_in(editors, name, password, action=action, client=_client(),
                   throttle=load_throttle(settings.data_dir))


def operator(settings: Settings, name: str | None) -> str:
    """Who an import or a sync is recorded as.

    Where editors are configured, one of them signs in (``--editor``); on a single-user
    installation without editors the local account is recorded, so that the audit trail
    always names a person, never a generic "import".
    """
    if name or load_editors(settings.data_dir).names:
        return signed_in(settings, name)
    return f"{_client().removeprefix('cli:')}（本机用户 local account）"
