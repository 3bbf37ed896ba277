"""Messaging connectors (Telegram, WhatsApp through Twilio, Facebook Messenger, Slack).

Thin subclasses of Rasa's own connectors, named by module path in credentials.channels.yml. What they add:
replies fitted to each channel (channels.formatting), numbered options answered with a digit, every outbound API
base URL configurable, and webhook signature checks. See docs/channels.md.
"""
