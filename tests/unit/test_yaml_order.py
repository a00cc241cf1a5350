"""Exported YAML files list their keys in one fixed order: every key an item can carry has
its place in yaml_io.ORDER, so a new field is not written at a random position."""

from assistant.knowledge.store import PAYLOAD_KEYS
from assistant.knowledge.yaml_io import ORDER


def test_every_payload_key_has_a_place_in_the_export_order():
    keys = set().union(*PAYLOAD_KEYS.values())
    assert keys - set(ORDER) == set(), "add the new key to yaml_io.ORDER"
    assert set(ORDER) - keys == set(), "ORDER names a key no item carries"
    assert len(ORDER) == len(set(ORDER))
