"""The server's packages live in this folder but import as `server.*`: map the folder to the
`server` package and list its sub-packages (every folder with an __init__.py). Run by the build
backend only (as __main__), never on import of the installed package."""

from setuptools import find_packages, setup

if __name__ == "__main__":
    setup(
        package_dir={"server": "."},
        packages=["server", *(f"server.{name}" for name in find_packages(".", exclude=["build*"]))],
    )
