# multistage-codemod as a container step for batch engines:
#   docker build -t multistage-codemod .
#   docker run --rm -v "$PWD:/repo" multistage-codemod --dry-run
# The repository to migrate is mounted at /repo (the working folder); arguments are the CLI's.

# Build: install every dependency without install scripts (the parsers are WebAssembly,
# nothing is compiled; the development-only terminal library is never loaded), compile the
# TypeScript and bundle the CLI (npm run build), then drop the development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY transforms ./transforms
COPY scripts/bundle.mjs ./scripts/
RUN npm ci --ignore-scripts && npm run build && npm prune --omit=dev

# Run: Node, git (for the uncommitted-changes guard), the built tool and its grammars, nothing else.
FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git \
  && rm -rf /var/lib/apt/lists/* \
  && git config --system --add safe.directory '*'
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY grammars ./grammars
COPY package.json README.md LICENSE ./
WORKDIR /repo
ENTRYPOINT ["node", "/app/dist/src/bin.js"]
