-- AlterTable
ALTER TABLE "invoices" ADD COLUMN     "claim_cents" INTEGER NOT NULL DEFAULT 0;
UPDATE "invoices" SET "claim_cents" = "open_cents";

-- AlterTable
ALTER TABLE "payment_methods" ADD COLUMN     "expired_on" TEXT,
ADD COLUMN     "last_collected_on" TEXT;

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "contract_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "booked_on" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "invoice_id" UUID,
    "payment_id" UUID,
    "reference" TEXT,
    "description" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "retain_until" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_allocations" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "credit_entry_id" UUID NOT NULL,
    "claim_entry_id" UUID NOT NULL,
    "invoice_id" UUID,
    "component" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_allocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "method" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "booked_on" TEXT NOT NULL,
    "reference" TEXT,
    "payer_name" TEXT,
    "invoice_id" UUID,
    "status" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "retain_until" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "card_charges" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "invoice_id" UUID,
    "prepayment_id" UUID,
    "psp_payment_id" TEXT,
    "psp" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "card_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prepayments" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "origin" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "prepayments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "unmatched_transfers" (
    "id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "source_key" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "booked_on" TEXT NOT NULL,
    "payer_name" TEXT,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unmatched_transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sepa_debits" (
    "id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "payment_method_id" UUID NOT NULL,
    "mandate_reference" TEXT NOT NULL,
    "mandate_signed_on" TEXT NOT NULL,
    "debtor_name" TEXT NOT NULL,
    "iban" TEXT NOT NULL,
    "amount_cents" INTEGER NOT NULL,
    "due_on" TEXT NOT NULL,
    "end_to_end_id" TEXT NOT NULL,
    "sequence_type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "collection_id" UUID,
    "return_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sepa_debits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sepa_collections" (
    "id" UUID NOT NULL,
    "due_on" TEXT NOT NULL,
    "message_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sepa_collections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bank_statement_imports" (
    "id" UUID NOT NULL,
    "message_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "entries" INTEGER NOT NULL,
    "matched" INTEGER NOT NULL,
    "unmatched" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "bank_statement_imports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_seq_key" ON "ledger_entries"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_idempotency_key_key" ON "ledger_entries"("idempotency_key");

-- CreateIndex
CREATE INDEX "ledger_entries_contract_id_seq_idx" ON "ledger_entries"("contract_id", "seq");

-- CreateIndex
CREATE INDEX "ledger_entries_invoice_id_idx" ON "ledger_entries"("invoice_id");

-- CreateIndex
CREATE INDEX "ledger_allocations_contract_id_idx" ON "ledger_allocations"("contract_id");

-- CreateIndex
CREATE INDEX "ledger_allocations_credit_entry_id_idx" ON "ledger_allocations"("credit_entry_id");

-- CreateIndex
CREATE INDEX "ledger_allocations_claim_entry_id_idx" ON "ledger_allocations"("claim_entry_id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_idempotency_key_key" ON "payments"("idempotency_key");

-- CreateIndex
CREATE INDEX "payments_contract_id_created_at_idx" ON "payments"("contract_id", "created_at");

-- CreateIndex
CREATE INDEX "payments_reference_idx" ON "payments"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "card_charges_prepayment_id_key" ON "card_charges"("prepayment_id");

-- CreateIndex
CREATE UNIQUE INDEX "card_charges_psp_payment_id_key" ON "card_charges"("psp_payment_id");

-- CreateIndex
CREATE UNIQUE INDEX "card_charges_idempotency_key_key" ON "card_charges"("idempotency_key");

-- CreateIndex
CREATE INDEX "card_charges_contract_id_created_at_idx" ON "card_charges"("contract_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "prepayments_idempotency_key_key" ON "prepayments"("idempotency_key");

-- CreateIndex
CREATE INDEX "prepayments_contract_id_created_at_idx" ON "prepayments"("contract_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "unmatched_transfers_source_key_key" ON "unmatched_transfers"("source_key");

-- CreateIndex
CREATE INDEX "unmatched_transfers_created_at_idx" ON "unmatched_transfers"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "sepa_debits_invoice_id_key" ON "sepa_debits"("invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "sepa_debits_end_to_end_id_key" ON "sepa_debits"("end_to_end_id");

-- CreateIndex
CREATE INDEX "sepa_debits_due_on_status_idx" ON "sepa_debits"("due_on", "status");

-- CreateIndex
CREATE INDEX "sepa_debits_collection_id_idx" ON "sepa_debits"("collection_id");

-- CreateIndex
CREATE UNIQUE INDEX "sepa_collections_due_on_key" ON "sepa_collections"("due_on");

-- CreateIndex
CREATE UNIQUE INDEX "sepa_collections_message_id_key" ON "sepa_collections"("message_id");

-- CreateIndex
CREATE INDEX "bank_statement_imports_message_id_idx" ON "bank_statement_imports"("message_id");


-- Ledger entries are immutable (docs/payments.md): the sign matches the type, and no entry is
-- ever changed; only retention deletes them.
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_sign" CHECK (
  ("type" IN ('payment', 'credit', 'prepayment') AND "amount_cents" < 0)
  OR ("type" IN ('invoice', 'fee', 'interest', 'chargeback', 'refund-blocked') AND "amount_cents" > 0)
);
ALTER TABLE "ledger_allocations" ADD CONSTRAINT "ledger_allocations_positive" CHECK ("amount_cents" > 0);
CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are immutable (entry %)', OLD.id USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER "ledger_entries_no_update" BEFORE UPDATE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();
