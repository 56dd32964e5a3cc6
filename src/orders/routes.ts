import { defineRoutes, route } from '../platform/http.ts';
import { ValidationError } from '../platform/errors.ts';
import { READ_ANY, WRITE_CUSTOMERS } from '../auth/roles.ts';
import * as s from './schema.ts';
import { createProduct, getProduct, listProducts, updateProduct } from './products.ts';
import { changeOrderDueDate, changeOrderStatus, createOrder, getOrder, listOrders } from './orders.ts';
import { createPayment, listPayments } from './payments.ts';
import { createDelivery, updateDelivery } from './deliveries.ts';
import { createComplaint, getComplaint, listComplaints, updateComplaintStatus } from './complaints.ts';
import { listReceivables } from './receivables.ts';
import { getOrderFigures } from './figures.ts';

// The orders capability's endpoints. Analysts read; admin, marketer and agent write.
const tag = 'orders';

export const ordersRoutes = defineRoutes([
  // ---- products
  route({ method: 'GET', url: '/api/v1/products', summary: 'List products by SKU', tag, roles: READ_ANY, query: s.listProductsQuery,
    handler: (ctx, { query }) => listProducts(ctx.db, ctx.auth.workspaceId, query) }),
  route({ method: 'POST', url: '/api/v1/products', summary: 'Create a product', tag, roles: WRITE_CUSTOMERS, status: 201, body: s.createProductBody,
    handler: async (ctx, { body }) => {
      const p = await createProduct(ctx.db, ctx.auth.workspaceId, body);
      await ctx.audit({ action: 'product.create', entity: 'product', entityId: p.id, after: p });
      return p;
    } }),
  route({ method: 'GET', url: '/api/v1/products/:id', summary: 'Get a product', tag, roles: READ_ANY, params: s.idParams,
    handler: (ctx, { params }) => getProduct(ctx.db, ctx.auth.workspaceId, params.id) }),
  route({ method: 'PATCH', url: '/api/v1/products/:id', summary: 'Change a product', tag, roles: WRITE_CUSTOMERS, params: s.idParams, body: s.updateProductBody,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await updateProduct(ctx.db, ctx.auth.workspaceId, params.id, body);
      await ctx.audit({ action: 'product.update', entity: 'product', entityId: after.id, before, after });
      return after;
    } }),

  // ---- orders
  route({ method: 'GET', url: '/api/v1/orders', summary: 'List orders, newest first', tag, roles: READ_ANY, query: s.listOrdersQuery,
    handler: (ctx, { query }) => listOrders(ctx.db, ctx.auth.workspaceId, query) }),
  route({ method: 'POST', url: '/api/v1/orders', summary: 'Record an order or inquiry', tag, roles: WRITE_CUSTOMERS, status: 201, body: s.createOrderBody,
    handler: async (ctx, { body }) => {
      const order = await createOrder(ctx.db, ctx.auth, body);
      await ctx.audit({ action: 'order.create', entity: 'order', entityId: order.id, after: order });
      return order;
    } }),
  route({ method: 'GET', url: '/api/v1/orders/:id', summary: 'Get an order with lines, payments and deliveries', tag, roles: READ_ANY, params: s.idParams,
    handler: (ctx, { params }) => getOrder(ctx.db, ctx.auth.workspaceId, params.id) }),
  route({ method: 'PATCH', url: '/api/v1/orders/:id/status', summary: 'Move an order along its life cycle', tag, roles: WRITE_CUSTOMERS, params: s.idParams, body: s.changeStatusBody,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await changeOrderStatus(ctx.db, ctx.auth, params.id, body.status);
      await ctx.audit({ action: 'order.status', entity: 'order', entityId: after.id, before: { status: before.status }, after: { status: after.status } });
      return after;
    } }),
  route({ method: 'PATCH', url: '/api/v1/orders/:id/due-date', summary: "Set when an order falls due (null: the workspace's payment terms)", tag, roles: WRITE_CUSTOMERS, params: s.idParams, body: s.changeDueDateBody,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await changeOrderDueDate(ctx.db, ctx.auth, params.id, body.dueAt);
      await ctx.audit({ action: 'order.due_date', entity: 'order', entityId: after.id, before: { dueAt: before.dueAt }, after: { dueAt: after.dueAt } });
      return after;
    } }),
  route({ method: 'POST', url: '/api/v1/orders/:id/deliveries', summary: 'Add a delivery to an order', tag, roles: WRITE_CUSTOMERS, status: 201, params: s.idParams, body: s.createDeliveryBody,
    handler: async (ctx, { params, body }) => {
      const d = await createDelivery(ctx.db, ctx.auth, params.id, body);
      await ctx.audit({ action: 'delivery.create', entity: 'delivery', entityId: d.id, after: d });
      return d;
    } }),
  route({ method: 'PATCH', url: '/api/v1/deliveries/:id', summary: 'Update a delivery (status, tracking, problem)', tag, roles: WRITE_CUSTOMERS, params: s.idParams, body: s.updateDeliveryBody,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await updateDelivery(ctx.db, ctx.auth, params.id, body);
      await ctx.audit({ action: 'delivery.update', entity: 'delivery', entityId: after.id, before, after });
      return after;
    } }),

  // ---- payments
  route({ method: 'GET', url: '/api/v1/payments', summary: 'List payments, newest first', tag, roles: READ_ANY, query: s.listPaymentsQuery,
    handler: (ctx, { query }) => listPayments(ctx.db, ctx.auth.workspaceId, query) }),
  route({ method: 'POST', url: '/api/v1/payments', summary: 'Record a payment', tag, roles: WRITE_CUSTOMERS, status: 201, body: s.createPaymentBody,
    handler: async (ctx, { body }) => {
      const p = await createPayment(ctx.db, ctx.auth, body);
      await ctx.audit({ action: 'payment.create', entity: 'payment', entityId: p.id, after: p });
      return p;
    } }),

  // ---- complaints
  route({ method: 'GET', url: '/api/v1/complaints', summary: 'List complaints, newest first', tag, roles: READ_ANY, query: s.listComplaintsQuery,
    handler: (ctx, { query }) => listComplaints(ctx.db, ctx.auth.workspaceId, query) }),
  route({ method: 'POST', url: '/api/v1/complaints', summary: 'Record a complaint', tag, roles: WRITE_CUSTOMERS, status: 201, body: s.createComplaintBody,
    handler: async (ctx, { body }) => {
      const c = await createComplaint(ctx.db, ctx.auth, body);
      await ctx.audit({ action: 'complaint.create', entity: 'complaint', entityId: c.id, after: c });
      return c;
    } }),
  route({ method: 'GET', url: '/api/v1/complaints/:id', summary: 'Get a complaint', tag, roles: READ_ANY, params: s.idParams,
    handler: (ctx, { params }) => getComplaint(ctx.db, ctx.auth.workspaceId, params.id) }),
  route({ method: 'PATCH', url: '/api/v1/complaints/:id', summary: 'Resolve, reject or reopen a complaint', tag, roles: WRITE_CUSTOMERS, params: s.idParams, body: s.updateComplaintBody,
    handler: async (ctx, { params, body }) => {
      const { before, after } = await updateComplaintStatus(ctx.db, ctx.auth, params.id, body.status);
      await ctx.audit({ action: 'complaint.update', entity: 'complaint', entityId: after.id, before: { status: before.status }, after: { status: after.status } });
      return after;
    } }),

  // ---- receivables and figures
  route({ method: 'GET', url: '/api/v1/receivables', summary: 'Customers with an amount due, largest first (sort=overdue: those past due, longest first)', tag, roles: READ_ANY, query: s.listReceivablesQuery,
    handler: (ctx, { query }) => {
      if (query.ownerId === 'me' && !ctx.auth.userId) throw ValidationError.field('query.ownerId', 'An API key has no user: give an owner id instead of "me"');
      return listReceivables(ctx.db, ctx.auth.workspaceId, { ...query, ownerId: query.ownerId === 'me' ? ctx.auth.userId! : query.ownerId });
    } }),
  route({ method: 'GET', url: '/api/v1/order-figures/:contactId', summary: "A customer's order figures", tag, roles: READ_ANY, params: s.contactIdParams,
    handler: (ctx, { params }) => getOrderFigures(ctx.db, ctx.auth.workspaceId, params.contactId) }),
]);
