import { translate } from '@hubspot/project-parsing-lib/translate';
test('x', async () => {
  const r = await translate({ projectSourceDir: 'src', platformVersion: '2026.03' }, { skipValidation: true, profile: 'example' });
  console.log(JSON.stringify(r, null, 1).slice(0, 3000));
});
