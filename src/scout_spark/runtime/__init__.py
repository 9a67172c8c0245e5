"""What a run needs below the stages: the Spark adapter (classic or Spark Connect)."""
