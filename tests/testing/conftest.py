# PyYAML is imported here, before pytester's inline runs: a run takes the modules it imported out of
# sys.modules again, and PyYAML imported a second time beside its compiled loader (which stays) can no longer
# make any value ("could not determine a constructor for the tag None"). xtrust imports it only on reading a
# YAML file, which the first run to do so would otherwise be.
import yaml  # noqa: F401

pytest_plugins = ["pytester"]
