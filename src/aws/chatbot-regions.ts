/**
 * Where the AWS Chatbot API answers: the regions its model's service documentation names ("AWS
 * Chatbot APIs are currently available in the following Regions"); its endpoint rules name none.
 * A constant rather than read from the model because config validation and the kinds use it
 * without loading the model; test/aws/chatbot-regions.test.ts ties the two.
 */
export const CHATBOT_REGIONS: readonly string[] = ['us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-west-1'];
