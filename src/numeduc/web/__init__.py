"""Django shell of numeduc: models, forms, views, templates, API."""
