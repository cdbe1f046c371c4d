"""The office's pseudonym key: the environment's if set, else a key file made once, readable by the
owner alone, and the same key on every later run (a new key would give everyone new pseudonyms)."""

from __future__ import annotations

import re
import stat

from warehouse.load import pseudonym_key


def test_a_key_file_is_made_once_in_a_new_folder_owner_only_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("LOIPR_PSEUDONYM_KEY", raising=False)
    key_file = tmp_path / "state" / "keys" / "pseudonym.key"
    key = pseudonym_key(key_file)
    assert re.fullmatch(r"[0-9a-f]{64}", key)  # 256 random bits
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert pseudonym_key(key_file) == key
    other = pseudonym_key(key_file.with_name("other.key"))  # a second key file in a folder that exists
    assert re.fullmatch(r"[0-9a-f]{64}", other) and other != key


def test_the_environments_key_wins_over_the_key_file(tmp_path, monkeypatch):
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text("from-the-file\n")
    monkeypatch.setenv("LOIPR_PSEUDONYM_KEY", "from-the-environment")
    assert pseudonym_key(key_file) == "from-the-environment"
    monkeypatch.delenv("LOIPR_PSEUDONYM_KEY")
    assert pseudonym_key(key_file) == "from-the-file"
