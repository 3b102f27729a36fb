-- AlterTable
ALTER TABLE "contracts" ADD COLUMN     "data_deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "data_deletion_due_on" TEXT,
ADD COLUMN     "paid_from" TEXT,
ADD COLUMN     "paused_since" TEXT,
ADD COLUMN     "pending_plan_change_effective_on" TEXT,
ADD COLUMN     "pending_plan_change_plan" TEXT,
ADD COLUMN     "pending_plan_change_requested_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "appointments" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "participants" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "cancelled_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "appointments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contract_events" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "contract_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "effective_on" TEXT,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contract_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppressed_addresses" (
    "email_hash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppressed_addresses_pkey" PRIMARY KEY ("email_hash")
);

-- CreateIndex
CREATE INDEX "users_contract_id_idx" ON "users"("contract_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_contract_id_email_key" ON "users"("contract_id", "email");

-- CreateIndex
CREATE INDEX "appointments_contract_id_starts_at_idx" ON "appointments"("contract_id", "starts_at");

-- CreateIndex
CREATE UNIQUE INDEX "contract_events_idempotency_key_key" ON "contract_events"("idempotency_key");

-- CreateIndex
CREATE INDEX "contract_events_contract_id_occurred_at_idx" ON "contract_events"("contract_id", "occurred_at");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract_events" ADD CONSTRAINT "contract_events_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

