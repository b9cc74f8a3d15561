/**
 * A letter's partners: who links to it with a ref and which sites may frame its sign form. The
 * admin pages (admin-routes.ts) and the embedded sign form (embed-routes.ts) are mounted by app.ts.
 *
 * Other modules import only from this file (or a *-command.ts file); see README "Where things are".
 */
// re-exports
export { type Partner, listPartners } from './partners.js';
export { addPartner } from './manage-partners.js';
export { partnerForm } from './forms.js';
