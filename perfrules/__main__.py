from perfrules.cli import run

run()
