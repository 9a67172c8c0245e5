-- The dashboard's data tables (contracts/dashboard_schema.md). Runs with search_path set
-- to the target schema, so names stay unqualified. Only ever add; never drop a table.

CREATE TABLE IF NOT EXISTS scout_gold_transactions (
    transaction_id text PRIMARY KEY,
    store_id text,
    customer_id text,
    transaction_ts timestamptz,
    sales_date date NOT NULL,
    hour_of_day integer,
    total_amount numeric(14, 2),
    payment_method text,
    transaction_type text,
    item_count bigint,
    region text,
    customer_segment text
);
CREATE INDEX IF NOT EXISTS scout_gold_transactions_by_date
    ON scout_gold_transactions (sales_date);
CREATE INDEX IF NOT EXISTS scout_gold_transactions_by_store
    ON scout_gold_transactions (store_id, sales_date);

CREATE TABLE IF NOT EXISTS scout_gold_transaction_items (
    transaction_id text NOT NULL,
    line_number integer NOT NULL,
    product_id text,
    product_name text,
    brand text,
    category text,
    quantity bigint,
    unit_price numeric(14, 2),
    line_amount numeric(14, 2),
    sales_date date NOT NULL,
    PRIMARY KEY (transaction_id, line_number)
);
CREATE INDEX IF NOT EXISTS scout_gold_transaction_items_by_date
    ON scout_gold_transaction_items (sales_date);

CREATE TABLE IF NOT EXISTS gold_daily_store_sales (
    sales_date date NOT NULL,
    store_id text NOT NULL,
    region text,
    transaction_count bigint,
    items_sold bigint,
    gross_sales numeric(14, 2),
    avg_basket_value numeric(14, 2),
    high_value_count bigint,
    unique_customers bigint,
    PRIMARY KEY (sales_date, store_id)
);
CREATE INDEX IF NOT EXISTS gold_daily_store_sales_by_store
    ON gold_daily_store_sales (store_id, sales_date);

CREATE TABLE IF NOT EXISTS gold_daily_category_sales (
    sales_date date NOT NULL,
    category text NOT NULL,
    brand text NOT NULL,
    units_sold bigint,
    revenue numeric(14, 2),
    transaction_count bigint,
    PRIMARY KEY (sales_date, category, brand)
);

CREATE TABLE IF NOT EXISTS gold_hourly_sales (
    sales_date date NOT NULL,
    hour_of_day integer NOT NULL,
    transaction_count bigint,
    gross_sales numeric(14, 2),
    PRIMARY KEY (sales_date, hour_of_day)
);

CREATE TABLE IF NOT EXISTS gold_payment_mix (
    sales_date date NOT NULL,
    payment_method text NOT NULL,
    transaction_count bigint,
    gross_sales numeric(14, 2),
    share_of_sales double precision,
    PRIMARY KEY (sales_date, payment_method)
);

CREATE TABLE IF NOT EXISTS platinum_monitors (
    monitor_date date NOT NULL,
    store_id text NOT NULL,
    metric text NOT NULL,
    value double precision,
    baseline_mean double precision,
    baseline_std double precision,
    z_score double precision,
    status text,
    PRIMARY KEY (monitor_date, store_id, metric)
);
CREATE INDEX IF NOT EXISTS platinum_monitors_by_store
    ON platinum_monitors (store_id, monitor_date);

CREATE TABLE IF NOT EXISTS platinum_customer_features (
    customer_id text PRIMARY KEY,
    segment text,
    recency_days integer,
    frequency_90d bigint,
    monetary_90d numeric(14, 2),
    avg_basket_value_90d numeric(14, 2),
    favorite_category text
);
