-- Orders placed through the API keep product stock current (docs/decisions/0023). Orders that
-- arrive any other way (CSV imports of history, demo data, and every order written before this
-- migration) took nothing out of stock, so cancelling or returning one must put nothing back:
-- the order has to remember which kind it is. The default is false so that the import and the
-- demo generator, which name their columns, write history without touching today's count.
alter table orders add column moves_stock boolean not null default false;
