"""The action server registers exactly the custom actions the domain lists."""

from rasa_sdk.executor import ActionExecutor

from tests.actions.conftest import domain


def test_every_custom_action_in_the_domain_is_served_by_the_actions_package():
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {a for a in domain()["actions"] if not a.startswith("utter_")}
    assert custom <= set(executor.actions), custom - set(executor.actions)
    assert set(executor.actions) <= custom, set(executor.actions) - custom
