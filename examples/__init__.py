"""Example model files, one per built-in interaction and a custom Φ (installed as
``qcrystal.examples``): ``qcrystal model example`` lists them, ``qcrystal model example
NAME > NAME.toml`` writes one out to start from."""
