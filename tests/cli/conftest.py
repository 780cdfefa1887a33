from tests.pipeline.conftest import clip_dir, garden_clip, mute_clip, voice_only_clip  # noqa: F401
