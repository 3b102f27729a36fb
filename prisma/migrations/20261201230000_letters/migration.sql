-- Letters handed to the print partner, and received webhook events (deduplicated per source and event id).
-- CreateTable
CREATE TABLE "letters" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "communication_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "invoice_id" UUID,
    "status" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "partner_letter_id" TEXT,
    "submissions" INTEGER NOT NULL DEFAULT 1,
    "error" TEXT,
    "submitted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "letters_idempotency_key_key" ON "letters"("idempotency_key");

-- CreateIndex
CREATE UNIQUE INDEX "letters_communication_id_key" ON "letters"("communication_id");

-- CreateIndex
CREATE UNIQUE INDEX "letters_partner_letter_id_key" ON "letters"("partner_letter_id");

-- CreateIndex
CREATE INDEX "letters_contract_id_created_at_idx" ON "letters"("contract_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_events_source_event_id_key" ON "webhook_events"("source", "event_id");

