-- CSV imports of payments (docs/decisions/0004, "Payments"): a shop moving in brings its payment
-- history beside its orders, so payment reliability covers the imported past too.
-- The check of 0004 has PostgreSQL's default name (<table>_<column>_check) on both engines.
alter table imports drop constraint imports_kind_check;
alter table imports add constraint imports_kind_check check (kind in ('people', 'companies', 'orders', 'payments'));
