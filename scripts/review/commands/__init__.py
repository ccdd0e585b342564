"""Entry points: the pipeline, the command line, the strict build, the live preview, the registry refresh."""
