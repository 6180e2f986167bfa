from cli_runner import run

__all__ = ["run"]
