export default {
  displayName: 'shared',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/libs/shared',
};
