"""The newsroom: who may do what (policy), the workflow, revisions, previews, roles and the dashboard."""
