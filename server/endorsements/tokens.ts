import { singleUseTokens } from '../lib/single-use-tokens.js';
import { endorsementTokens, type EndorsementTokenPurpose } from './table.js';

/** The representative's confirm links, issued and checked by the same machinery as signers' links. */
export const endorsementLinks = singleUseTokens<EndorsementTokenPurpose>({
  table: endorsementTokens,
  tokenHash: endorsementTokens.tokenHash,
  owner: endorsementTokens.endorsementId,
  ownerKey: 'endorsementId',
  purpose: endorsementTokens.purpose,
  expiresAt: endorsementTokens.expiresAt,
  replacedAt: endorsementTokens.replacedAt,
});
