-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "destroyed_at" TIMESTAMPTZ(3),
ADD COLUMN     "dispute_reason" TEXT,
ADD COLUMN     "disputed_since" TIMESTAMPTZ(3),
ADD COLUMN     "dunning_level" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "dunning_next_step_on" TEXT,
ADD COLUMN     "legal_hold_reason" TEXT,
ADD COLUMN     "legal_hold_since" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "base_rates" (
    "valid_from" TEXT NOT NULL,
    "basis_points" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "base_rates_pkey" PRIMARY KEY ("valid_from")
);

-- CreateTable
CREATE TABLE "dunning_ladders" (
    "version" INTEGER NOT NULL,
    "steps" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dunning_ladders_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "dunning_steps" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "contract_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "level" INTEGER NOT NULL,
    "round" INTEGER NOT NULL,
    "run_on" TEXT NOT NULL,
    "fee_cents" INTEGER NOT NULL,
    "interest_cents" INTEGER NOT NULL,
    "flat_fee_cents" INTEGER NOT NULL,
    "interest_periods" JSONB NOT NULL DEFAULT '[]',
    "communication_id" UUID,
    "letter_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dunning_steps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "collection_handovers" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "contract_id" UUID NOT NULL,
    "handed_over_on" TEXT NOT NULL,
    "debtor" JSONB NOT NULL,
    "claims" JSONB NOT NULL,
    "claim_total_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "agency" TEXT NOT NULL,
    "agency_reference" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "collection_handovers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_reports" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "contract_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "decided_on" TEXT NOT NULL,
    "bureau" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "retention_destructions" (
    "id" UUID NOT NULL,
    "record_type" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "rule" TEXT NOT NULL,
    "retain_until" TEXT NOT NULL,
    "contract_id" UUID NOT NULL,
    "destroyed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "retention_destructions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dunning_steps_idempotency_key_key" ON "dunning_steps"("idempotency_key");

-- CreateIndex
CREATE INDEX "dunning_steps_invoice_id_idx" ON "dunning_steps"("invoice_id");

-- CreateIndex
CREATE INDEX "dunning_steps_contract_id_created_at_idx" ON "dunning_steps"("contract_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "collection_handovers_idempotency_key_key" ON "collection_handovers"("idempotency_key");

-- CreateIndex
CREATE INDEX "collection_handovers_contract_id_created_at_idx" ON "collection_handovers"("contract_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "credit_reports_idempotency_key_key" ON "credit_reports"("idempotency_key");

-- CreateIndex
CREATE INDEX "credit_reports_contract_id_created_at_idx" ON "credit_reports"("contract_id", "created_at");

-- CreateIndex
CREATE INDEX "retention_destructions_record_type_year_idx" ON "retention_destructions"("record_type", "year");

-- CreateIndex
CREATE INDEX "retention_destructions_contract_id_idx" ON "retention_destructions"("contract_id");

-- CreateIndex
CREATE UNIQUE INDEX "retention_destructions_record_type_record_id_key" ON "retention_destructions"("record_type", "record_id");


-- The Basiszinssatz since 2023 (Deutsche Bundesbank, § 247 BGB), in basis points.
INSERT INTO "base_rates" ("valid_from", "basis_points") VALUES
  ('2023-01-01', 162), ('2023-07-01', 312), ('2024-01-01', 362), ('2024-07-01', 337),
  ('2025-01-01', 227), ('2025-07-01', 127), ('2026-01-01', 127);

-- An attempt that sends a mail holds it until then; a concurrent attempt waits instead of sending it twice.
ALTER TABLE "communications" ADD COLUMN "sending_until" TIMESTAMPTZ(3);
