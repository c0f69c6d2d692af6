from coproduce.testing.fake_notify import fake_notify

__all__ = ["fake_notify"]
