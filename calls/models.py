"""Models of this stage: filled in by the stage's issue."""
