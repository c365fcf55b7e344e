// One change a provider announced: the shape every kind of provider webhook is read into.

export interface ChangeNotice {
  /** The provider account it happened in (Salesforce org id, HubSpot portal id): how its connections are found. */
  account: string;
  /** The provider's object type (`Contact`, `contact`), mapped to a model by the provider's catalog entry. */
  objectType: string;
  /** What a redelivery or a replay of the same notification repeats: remembered to act on each only once. */
  notificationId: string;
}
