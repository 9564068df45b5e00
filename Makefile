# One command per chore; CI runs `make test` (see .ci/run).
.PHONY: run run-scaled bench-scale-out test train seed migrate admin validate quality bench bench-scale aggregates recs recs-eval clean

run:        ## set up everything and run the service on SQLite
	@bash scripts/run.sh

run-scaled: ## the scaled mode on this machine's PostgreSQL, Redis and RabbitMQ: make run-scaled REPLICAS=2 ACTIONS=2 WORKERS=2
	@bash -c 'source scripts/lib.sh && setup_envs && ensure_model'
	@.venv/bin/python -m scripts.scaled --replicas $(or $(REPLICAS),2) --actions $(or $(ACTIONS),2) --workers $(or $(WORKERS),2)

test:       ## run the whole test suite
	@bash scripts/test.sh

train:      ## (re)train the Rasa model if training data changed (FULL=1: every component again, without the cache)
	@SHOP_TRAIN_FULL=$(FULL) bash -c 'source scripts/lib.sh && setup_envs && ensure_model'

migrate:    ## apply database migrations
	@.venv/bin/python -m bot.migrate

seed:       ## rebuild the demo shop data (destroys existing shop rows)
	@.venv/bin/python -m bot.seed --reset

admin:      ## create a console admin: make admin EMAIL=you@shop.example NAME="Your Name" (asks for a password)
	@test -n "$(EMAIL)" -a -n "$(NAME)" || { echo 'usage: make admin EMAIL=you@shop.example NAME="Your Name"'; exit 2; }
	@.venv/bin/python -m bot.migrate && .venv/bin/python -m bot.staff create-admin --email "$(EMAIL)" --name "$(NAME)"

validate:   ## check the Rasa training data
	@.venv-rasa/bin/rasa data validate

quality:    ## NLU figures: held-out test set and 5-fold cross-validation
	@bash scripts/quality.sh

bench:      ## throughput of one Rasa process vs a stock `rasa init` bot; turn latency at turn 1 vs turn 200 (THROUGHPUT_ARGS=--quick)
	@bash -c 'source scripts/lib.sh && setup_envs && ensure_model'
	@status=0; .venv/bin/python benchmarks/throughput.py $(THROUGHPUT_ARGS) || status=1; \
	  .venv/bin/python benchmarks/dialogue_latency.py --both || status=1; exit $$status

bench-scale: ## at a real shop's size, SQLite and PostgreSQL, before/after issue 18: search and recommendations (100k products, 1M orders), then the console (100k conversations, 2.3M events); builds var/scale/ once
	@bash -c 'source scripts/lib.sh && setup_envs'
	@status=0; .venv/bin/python benchmarks/scale.py || status=1; \
	  .venv/bin/python benchmarks/console_scale.py || status=1; exit $$status

bench-scale-out: ## the scaled mode with 1 and 2 Rasa replicas, 32 and 128 conversations through the gateway, on this machine's PostgreSQL, Redis and RabbitMQ
	@bash -c 'source scripts/lib.sh && setup_envs && ensure_model'
	@.venv/bin/python benchmarks/scale_out.py $(SCALE_OUT_ARGS)

aggregates: ## rebuild the precomputed best sellers, catalog groups and customer segments now (make run does it every 5 minutes)
	@.venv/bin/python -m bot.aggregates

recs:       ## (re)train the recommendation model from the shop's orders (tuned on a validation split) into var/recs/
	@bash -c 'source scripts/lib.sh && setup_envs'
	@nice -n 5 .venv/bin/python -m bot.recs train

recs-eval:  ## offline evaluation of the recommendations, last order held out: demo shop and UCI Online Retail (SOURCES="demo")
	@bash -c 'source scripts/lib.sh && setup_envs'
	@status=0; for source in $(or $(SOURCES),demo online-retail); do \
	  nice -n 5 .venv/bin/python -m bot.recs evaluate --source $$source || status=1; done; exit $$status

clean:      ## remove environments, models and local databases
	rm -rf .venv .venv-rasa models var .pytest_cache
