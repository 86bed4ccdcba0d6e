"""nbgrader's settings for learners' servers (on Jupyter's config path with the rest of the
learners' settings): where the exchange is, and who the learner is.

The exchange is the folder the Assignments panel fetches from and submits to: nbgrader's
default /usr/local/share/nbgrader/exchange unless $CVCOURSE_EXCHANGE names another, as in
the instructor's course config.
"""

import os

c = get_config()  # noqa: F821 (provided by the config loader)
if os.environ.get("CVCOURSE_EXCHANGE"):
    c.Exchange.root = os.environ["CVCOURSE_EXCHANGE"]
# On a JupyterHub a learner is the hub's user name, whatever system user runs their server
# (nbgrader only uses it for the system user jovyan): their submissions and feedback go
# under the name they logged in with.
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
