import { publicRoutes } from './public/public-routes.js';
import { outboxRoutes } from './staff/outbox-routes.js';
import { demoMailboxRoutes } from './public/demo-mailbox-routes.js';
import { accountRequestRoutes } from './auth/account-request-routes.js';
import { altchaAntiRobot, altchaRoutes } from './auth/altcha-routes.js';
import { loginRoutes } from './auth/login-routes.js';
import { passwordRoutes } from './auth/password-routes.js';
import { secondFactorRoutes } from './auth/second-factor-routes.js';
import { familyAccountRoutes } from './family/account-routes.js';
import { familyChildrenRoutes } from './family/children-routes.js';
import { familyHomeRoutes } from './family/home-routes.js';
import { familyRequestsRoutes } from './family/requests-routes.js';
import { familyBookingRoutes } from './family/booking-routes.js';
import { familyPlanningRoutes } from './family/planning-routes.js';
import { familyEnrollmentRoutes } from './family/enrollment-routes.js';
import { familyAbsenceRoutes } from './family/absence-routes.js';
import { familyLotteryRoutes } from './family/lottery-routes.js';
import { familyInvoicesRoutes } from './family/invoices-routes.js';
import { familyStatementRoutes } from './family/statement-routes.js';
import { familyPaymentsRoutes } from './family/payments-routes.js';
import { familyCertificatesRoutes } from './family/certificates-routes.js';
import { familyOnlinePaymentRoutes } from './family/online-payment-routes.js';
import { familyBasketRoutes } from './family/basket-routes.js';
import { paymentNotificationRoutes } from './public/payment-notification-routes.js';
import { staffAccountRequestRoutes } from './staff/account-request-routes.js';
import { staffBookingAttendanceRoutes } from './staff/booking-attendance-routes.js';
import { staffBookingOccupancyRoutes } from './staff/booking-occupancy-routes.js';
import { staffBookingValidationRoutes } from './staff/booking-validation-routes.js';
import { staffChangeRequestRoutes } from './staff/change-request-routes.js';
import { dashboardRoutes } from './staff/dashboard-routes.js';
import { staffHouseholdIntakeRoutes } from './staff/household-intake-routes.js';
import { staffHouseholdRoutes } from './staff/household-routes.js';
import { staffNewsRoutes } from './staff/news-routes.js';
import { staffRecordEditRoutes } from './staff/record-edit-routes.js';
import { staffRecordSettingsRoutes } from './staff/record-settings-routes.js';
import { staffCalendarImportRoutes } from './staff/calendar-import-routes.js';
import { staffCalendarRoutes } from './staff/calendar-routes.js';
import { staffActivityRoutes } from './staff/activity-routes.js';
import { staffLotteryRoutes } from './staff/lottery-routes.js';
import { securityRoutes } from './staff/security-routes.js';
import { staffAccountRoutes } from './staff/staff-account-routes.js';
import { staffBillingInvoiceRoutes } from './staff/billing-invoice-routes.js';
import { staffBillingPaymentRoutes } from './staff/billing-payment-routes.js';
import { staffBillingRunRoutes } from './staff/billing-run-routes.js';
import { staffBillingSetupRoutes } from './staff/billing-setup-routes.js';
import { staffOnlinePaymentRoutes } from './staff/online-payment-routes.js';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../services.js';

/** The route groups of the portal: pages anyone reads, getting in, the family space, the back office. */

export const publicPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(publicRoutes(services));
  await app.register(demoMailboxRoutes());
  await app.register(paymentNotificationRoutes(services));
};

export const authPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(altchaRoutes(services));
  const antiRobot = altchaAntiRobot(services.config);
  await app.register(loginRoutes(services, antiRobot));
  await app.register(secondFactorRoutes(services));
  await app.register(passwordRoutes(services, antiRobot));
  await app.register(accountRequestRoutes(antiRobot));
};

export const familyPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(familyHomeRoutes());
  await app.register(familyAccountRoutes());
  await app.register(familyChildrenRoutes());
  await app.register(familyRequestsRoutes());
  await app.register(familyBookingRoutes(services));
  await app.register(familyPlanningRoutes(services));
  await app.register(familyEnrollmentRoutes());
  await app.register(familyAbsenceRoutes());
  await app.register(familyLotteryRoutes());
  await app.register(familyInvoicesRoutes());
  await app.register(familyStatementRoutes());
  await app.register(familyPaymentsRoutes());
  await app.register(familyCertificatesRoutes());
  await app.register(familyOnlinePaymentRoutes(services));
  await app.register(familyBasketRoutes(services));
};

export const staffPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(staffBillingRunRoutes(services));
  await app.register(staffBillingInvoiceRoutes());
  await app.register(staffBillingPaymentRoutes());
  await app.register(staffBillingSetupRoutes());
  await app.register(staffOnlinePaymentRoutes(services));
  await app.register(dashboardRoutes());
  await app.register(outboxRoutes());
  await app.register(staffAccountRequestRoutes());
  await app.register(securityRoutes(services));
  await app.register(staffAccountRoutes());
  await app.register(staffHouseholdRoutes());
  await app.register(staffHouseholdIntakeRoutes());
  await app.register(staffRecordEditRoutes());
  await app.register(staffChangeRequestRoutes());
  await app.register(staffBookingOccupancyRoutes(services));
  await app.register(staffBookingValidationRoutes());
  await app.register(staffBookingAttendanceRoutes(services));
  await app.register(staffNewsRoutes());
  await app.register(staffRecordSettingsRoutes(services));
  await app.register(staffCalendarRoutes());
  await app.register(staffCalendarImportRoutes());
  await app.register(staffActivityRoutes(services));
  await app.register(staffLotteryRoutes());
};
