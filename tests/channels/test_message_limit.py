"""Every channel refuses a message over the length limit politely, before any model reads it."""

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels.safety import refuse_if_too_long


async def test_a_message_over_the_limit_gets_a_polite_refusal(settings_env):
    collector = CollectingOutputChannel()
    refused = await refuse_if_too_long(UserMessage("heel " * 1000, collector, "visitor"))
    assert refused is True
    text = collector.messages[0]["text"]
    assert "too long" in text and "2000" in text and collector.messages[0]["recipient_id"] == "visitor"


async def test_a_message_at_the_limit_goes_through(settings_env):
    collector = CollectingOutputChannel()
    assert await refuse_if_too_long(UserMessage("a" * 2000, collector, "visitor")) is False
    assert collector.messages == []


async def test_the_limit_is_a_setting(settings_env, monkeypatch):
    from heel.settings import get_settings

    monkeypatch.setenv("MAX_MESSAGE_CHARS", "10")
    get_settings.cache_clear()
    collector = CollectingOutputChannel()
    assert await refuse_if_too_long(UserMessage("my heel hurts a lot", collector, "visitor")) is True
    get_settings.cache_clear()


async def test_a_visitor_over_the_rate_limit_is_told_once_and_not_read(settings_env, monkeypatch):
    from channels import safety
    from heel.settings import get_settings

    monkeypatch.setenv("RATE_LIMIT_SENDER", "3/60")
    get_settings.cache_clear()
    safety._limiters.clear()
    collector = CollectingOutputChannel()
    try:
        results = [await safety.refuse_if_flooding(UserMessage("hi", collector, "visitor")) for _ in range(6)]
        assert results == [False, False, False, True, True, True]
        assert len(collector.messages) == 1 and "faster than I can read" in collector.messages[0]["text"]
        assert await safety.refuse_if_flooding(UserMessage("hi", collector, "someone-else")) is False
    finally:
        safety._limiters.clear()
        get_settings.cache_clear()
