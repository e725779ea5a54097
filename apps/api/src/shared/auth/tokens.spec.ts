import jwt from 'jsonwebtoken';
import { signToken, verifyToken } from './tokens';

describe('verifyToken', () => {
  const secret = 'a-secret-of-the-api';

  it('accepts a token signed with the secret, again and again, and under other secrets only their own', () => {
    const token = signToken(secret, { sub: 'anna', role: 'user', company: 'c-1' });
    expect(verifyToken(secret, token)).toEqual({ sub: 'anna', role: 'user', company: 'c-1', name: undefined });
    expect(verifyToken(secret, token)).toEqual({ sub: 'anna', role: 'user', company: 'c-1', name: undefined });
    const other = signToken('another-secret', { sub: 'op', role: 'admin' });
    expect(verifyToken('another-secret', other)).toMatchObject({ sub: 'op', role: 'admin' });
    expect(() => verifyToken(secret, other)).toThrow('invalid signature');
  });

  it('refuses other algorithms, unsigned tokens, other issuers and expired tokens', () => {
    const claims = { sub: 'anna', role: 'user', company: 'c-1' };
    expect(() => verifyToken(secret, jwt.sign(claims, secret, { algorithm: 'HS512', issuer: 'paminnelsehantering' }))).toThrow('invalid algorithm');
    expect(() => verifyToken(secret, jwt.sign(claims, null, { algorithm: 'none', issuer: 'paminnelsehantering' }))).toThrow();
    expect(() => verifyToken(secret, jwt.sign(claims, secret, { algorithm: 'HS256', issuer: 'someone-else' }))).toThrow('jwt issuer invalid');
    expect(() => verifyToken(secret, signToken(secret, { sub: 'anna', role: 'user', company: 'c-1' }, -10))).toThrow('jwt expired');
  });

  it('refuses a token it verified before once it has expired, and a tampered copy of it at any time', () => {
    const token = signToken(secret, { sub: 'anna', role: 'user', company: 'c-1' }, 60);
    expect(verifyToken(secret, token)).toMatchObject({ sub: 'anna' });
    const [header, payload] = token.split('.');
    expect(() => verifyToken(secret, `${header}.${payload}.${'A'.repeat(43)}`)).toThrow('invalid signature');
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      expect(() => verifyToken(secret, token)).toThrow('jwt expired');
    } finally {
      clock.mockRestore();
    }
  });
});
