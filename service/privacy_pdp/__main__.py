from privacy_pdp.cli import app

app()
