// SANDBOX_VERIFY_SAVES: every save is checked against a plain JSON.stringify (see src/state/serialiser.ts).
process.env.SANDBOX_VERIFY_SAVES = '1';
module.exports = { ...require('../../jest.preset.cjs'), testTimeout: 30000 };
