"""The pages of accounts, one module per topic; accounts/urls.py names them."""
