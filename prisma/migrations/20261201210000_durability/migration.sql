-- Durability: attention items, payment methods, list indexes, expiring idempotency keys.
-- AlterTable: nothing ever set a token's revocation
ALTER TABLE "api_tokens" DROP COLUMN "revoked_at";

-- DropIndex
DROP INDEX "contracts_customer_id_idx";

-- DropIndex
DROP INDEX "contracts_status_idx";

-- AlterTable
ALTER TABLE "idempotent_requests" ADD COLUMN     "expires_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE "idempotent_requests" ALTER COLUMN "expires_at" DROP DEFAULT;

-- CreateTable
CREATE TABLE "attention_items" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "step" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "attention_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_methods" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "iban" TEXT,
    "iban_last4" TEXT,
    "account_holder" TEXT,
    "mandate_reference" TEXT,
    "signed_on" TEXT,
    "card_last4" TEXT,
    "psp_token" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "payment_methods_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "attention_items_resolved_at_contract_id_idx" ON "attention_items"("resolved_at", "contract_id");

-- CreateIndex
CREATE UNIQUE INDEX "attention_items_contract_id_step_key" ON "attention_items"("contract_id", "step");

-- CreateIndex
CREATE UNIQUE INDEX "payment_methods_mandate_reference_key" ON "payment_methods"("mandate_reference");

-- CreateIndex
CREATE INDEX "payment_methods_contract_id_revoked_at_idx" ON "payment_methods"("contract_id", "revoked_at");

-- CreateIndex
CREATE INDEX "contracts_customer_id_created_at_id_idx" ON "contracts"("customer_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "contracts_status_created_at_id_idx" ON "contracts"("status", "created_at", "id");

-- CreateIndex
CREATE INDEX "contracts_created_at_id_idx" ON "contracts"("created_at", "id");

-- CreateIndex
CREATE INDEX "idempotent_requests_expires_at_idx" ON "idempotent_requests"("expires_at");

-- AddForeignKey
ALTER TABLE "attention_items" ADD CONSTRAINT "attention_items_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

