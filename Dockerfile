# The dashboard, on the Neo4j store (docker-compose.yml starts both; see docs/neo4j.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    DUTYGRAPH_STORE=neo4j

WORKDIR /app
# Only what the package needs: never .env, .git or test artefacts. README.m[d] copies the
# README when there is one (pyproject names it) without failing when there is none.
COPY pyproject.toml README.m[d] ./
COPY graphmodel ./graphmodel
COPY loaders ./loaders
COPY queries ./queries
COPY dashboard ./dashboard
COPY cli ./cli
RUN pip install . && useradd --create-home --uid 10001 dutygraph

USER dutygraph
EXPOSE 8501
# NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD (and NEO4J_DATABASE) come from docker-compose.yml.
CMD ["dutygraph", "dashboard", "--store", "neo4j", "--address", "0.0.0.0", "--port", "8501"]
